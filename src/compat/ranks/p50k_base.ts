// js-tiktoken/ranks/p50k_base
import { ranksModule } from '../js-tiktoken-ranks';

export = ranksModule('p50k_base');
