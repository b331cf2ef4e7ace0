import { runSubgraph } from '@flywheel/server';
import { createModelRegistrySubgraph } from './server';

runSubgraph({ name: 'model-registry', defaultPort: 4004, create: createModelRegistrySubgraph }).catch((error) => {
  console.error(`model-registry subgraph failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
