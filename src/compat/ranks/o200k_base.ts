// js-tiktoken/ranks/o200k_base
import { ranksModule } from '../js-tiktoken-ranks';

export = ranksModule('o200k_base');
