// The one helper for turning anything thrown into a message.
export function errorMessage(error: unknown): string {
  // Duck-typed, not `instanceof Error`: errors from another realm (node:util under jest's VM, a vm
  // context) are Errors without sharing this realm's Error class.
  if (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { message?: unknown }).message === 'string'
  )
    return (error as { message: string }).message;
  if (typeof error === 'string') return error;
  // JSON.stringify gives undefined for undefined, functions and symbols.
  return JSON.stringify(error) ?? String(error);
}
