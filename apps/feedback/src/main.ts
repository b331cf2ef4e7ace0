import { runSubgraph } from '@flywheel/server';
import { createFeedbackSubgraph } from './server';

runSubgraph({ name: 'feedback', defaultPort: 4003, create: createFeedbackSubgraph }).catch((error) => {
  console.error(`feedback subgraph failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
