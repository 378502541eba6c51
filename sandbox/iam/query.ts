// Reads the parameters of an AWS Query request (`Action=…&Version=…&Tags.member.1.Key=…`) the way
// the service model defines them: scalars, `Name.member.N` lists and `Tags.member.N.Key/Value`.
import { validationError } from './errors.js';

export interface Tag {
  Key: string;
  Value: string;
}

export class QueryParams {
  private readonly params: URLSearchParams;

  constructor(body: string) {
    this.params = new URLSearchParams(body);
  }

  get action(): string | undefined {
    return this.params.get('Action') ?? undefined;
  }

  get version(): string | undefined {
    return this.params.get('Version') ?? undefined;
  }

  string(name: string): string | undefined {
    return this.params.get(name) ?? undefined;
  }

  /** A required member; IAM answers a missing one with "Value null at 'roleName' … must not be null". */
  required(name: string): string {
    const value = this.params.get(name);
    if (value === null)
      throw validationError([
        `Value null at '${memberName(name)}' failed to satisfy constraint: Member must not be null`,
      ]);
    return value;
  }

  integer(name: string): number | undefined {
    const raw = this.params.get(name);
    if (raw === null) return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value))
      throw validationError([
        `Value '${raw}' at '${memberName(name)}' failed to satisfy constraint: Member must be an integer`,
      ]);
    return value;
  }

  /** `Name.member.1`, `Name.member.2`, … in index order; an empty list is sent as `Name=`. */
  list(name: string): string[] {
    return this.indexed(`${name}.member.`).map(([index]) => this.params.get(`${name}.member.${index}`) ?? '');
  }

  tags(name = 'Tags'): Tag[] {
    return this.indexed(`${name}.member.`).map(([index]) => ({
      Key: this.params.get(`${name}.member.${index}.Key`) ?? '',
      Value: this.params.get(`${name}.member.${index}.Value`) ?? '',
    }));
  }

  private indexed(prefix: string): Array<[number]> {
    const seen = new Set<number>();
    for (const key of this.params.keys()) {
      if (!key.startsWith(prefix)) continue;
      const index = Number(key.slice(prefix.length).split('.')[0]);
      if (Number.isInteger(index) && index > 0) seen.add(index);
    }
    return [...seen].sort((a, b) => a - b).map((i) => [i]);
  }
}

/** `RoleName` → `roleName`: the spelling IAM's validation messages use. */
export function memberName(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
