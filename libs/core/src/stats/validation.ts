/* Argument checks shared by the statistics; every error names its caller. */

/** Throws unless 0 < confidence < 1. @internal */
export function checkConfidence(confidence: number, caller: string): void {
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`${caller}: confidence must lie strictly between 0 and 1, got ${confidence}`);
  }
}

/** Throws unless 0 < alpha < 1. @internal */
export function checkAlpha(alpha: number, caller: string, name = 'alpha'): void {
  if (!(alpha > 0 && alpha < 1)) {
    throw new RangeError(`${caller}: ${name} must lie strictly between 0 and 1, got ${alpha}`);
  }
}

/** Throws unless a group has at least two observations. @internal */
export function checkAtLeastTwo(n: number, caller: string, group: string): void {
  if (!(n >= 2)) {
    throw new RangeError(`${caller}: ${group} needs at least two observations, got ${n}`);
  }
}

/** Throws unless x is a positive finite number. @internal */
export function checkPositive(x: number, caller: string, name: string): void {
  if (!(x > 0 && Number.isFinite(x))) {
    throw new RangeError(`${caller}: ${name} must be a positive finite number, got ${x}`);
  }
}
