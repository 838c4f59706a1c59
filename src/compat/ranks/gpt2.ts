// js-tiktoken/ranks/gpt2
import { ranksModule } from '../js-tiktoken-ranks';

export = ranksModule('gpt2');
