// Jest loads global teardown outside its module map, so this import is relative.
// eslint-disable-next-line @nx/enforce-module-boundaries
import globalTeardown from '../../../tools/jest/global-teardown';
import { stopStack } from './stack.global-setup';

export default async function stackGlobalTeardown(): Promise<void> {
  await stopStack();
  await globalTeardown();
}
