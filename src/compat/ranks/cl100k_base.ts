// js-tiktoken/ranks/cl100k_base
import { ranksModule } from '../js-tiktoken-ranks';

export = ranksModule('cl100k_base');
