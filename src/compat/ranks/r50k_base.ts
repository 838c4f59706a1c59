// js-tiktoken/ranks/r50k_base
import { ranksModule } from '../js-tiktoken-ranks';

export = ranksModule('r50k_base');
