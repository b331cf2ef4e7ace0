import type { AssignmentResolvers } from '../__generated__/resolvers-types';
import type { VariantModel } from '../models';

export const Assignment: AssignmentResolvers = {
  details: (assignment) => assignment.experiment.variants.find((variant) => variant.key === assignment.variant) as VariantModel,
};
