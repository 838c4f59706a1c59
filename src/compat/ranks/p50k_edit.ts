// js-tiktoken/ranks/p50k_edit
import { ranksModule } from '../js-tiktoken-ranks';

export = ranksModule('p50k_edit');
