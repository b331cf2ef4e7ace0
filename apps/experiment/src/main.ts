import { runSubgraph } from '@flywheel/server';
import { createExperimentSubgraph } from './server';

runSubgraph({ name: 'experiment', defaultPort: 4002, create: createExperimentSubgraph }).catch((error) => {
  console.error(`experiment subgraph failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
