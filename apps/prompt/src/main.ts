import { runSubgraph } from '@flywheel/server';
import { createPromptSubgraph } from './server';

runSubgraph({ name: 'prompt', defaultPort: 4001, create: createPromptSubgraph }).catch((error) => {
  console.error(`prompt subgraph failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
