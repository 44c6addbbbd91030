import { describeConfigStoreContract } from './config-store.contract.ts';
import { MemoryConfigStore } from './memory-config-store.ts';

describeConfigStoreContract('MemoryConfigStore', () => new MemoryConfigStore());
