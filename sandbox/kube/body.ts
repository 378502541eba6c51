// Request bodies of create and update calls: JSON, or YAML when the Content-Type says so.
import { parse as parseYaml } from 'yaml';
import { badRequest } from './status.js';

export function parseObjectBody(body: string, contentType: string, kind: string): unknown {
  if (body.trim() === '') throw badRequest(`the request body is empty: send the ${kind} as JSON`);
  try {
    return contentType.includes('yaml') ? (parseYaml(body) as unknown) : (JSON.parse(body) as unknown);
  } catch (error) {
    throw badRequest(`the request body could not be decoded as a ${kind}: ${(error as Error).message}`);
  }
}
