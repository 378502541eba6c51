// Reads the Kubernetes protobuf encoding of the two kinds the emulator stores. kubectl sends
// core/v1 objects as `application/vnd.kubernetes.protobuf` on create and replace and does not retry
// with JSON, so without this `kubectl create namespace` or `kubectl create serviceaccount` fail.
// Only the fields the emulator models are read; answers stay JSON (clients decode by Content-Type).
import { badRequest } from './status.js';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** The 4-byte prefix of every Kubernetes protobuf body ("k8s\0"). */
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

interface WireField {
  field: number;
  /** Varint value (wire type 0), else undefined. */
  varint?: bigint;
  /** Bytes of a length-delimited field (wire type 2), else undefined. */
  bytes?: Buffer;
}

function* fields(buf: Buffer): Generator<WireField> {
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (at >= buf.length) throw badRequest('protobuf body is truncated');
      const byte = buf[at++];
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
  };
  while (at < buf.length) {
    const key = Number(varint());
    const field = key >>> 3;
    switch (key & 7) {
      case 0:
        yield { field, varint: varint() };
        break;
      case 1:
        at += 8;
        break;
      case 2: {
        const length = Number(varint());
        if (at + length > buf.length) throw badRequest('protobuf body is truncated');
        yield { field, bytes: buf.subarray(at, at + length) };
        at += length;
        break;
      }
      case 5:
        at += 4;
        break;
      default:
        throw badRequest(`protobuf body has an unsupported wire type ${key & 7}`);
    }
  }
}

const text = (f: WireField): string => f.bytes?.toString('utf8') ?? '';

function mapEntry(buf: Buffer): [string, string] {
  let key = '';
  let value = '';
  for (const f of fields(buf)) {
    if (f.field === 1) key = text(f);
    if (f.field === 2) value = text(f);
  }
  return [key, value];
}

/** ObjectMeta: name 1, namespace 3, uid 5, resourceVersion 6, labels 11, annotations 12. */
function objectMeta(buf: Buffer): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  for (const f of fields(buf)) {
    if (!f.bytes) continue;
    if (f.field === 1) meta.name = text(f);
    else if (f.field === 3) meta.namespace = text(f);
    else if (f.field === 5) meta.uid = text(f);
    else if (f.field === 6) meta.resourceVersion = text(f);
    else if (f.field === 11) labels[mapEntry(f.bytes)[0]] = mapEntry(f.bytes)[1];
    else if (f.field === 12) annotations[mapEntry(f.bytes)[0]] = mapEntry(f.bytes)[1];
  }
  if (Object.keys(labels).length > 0) meta.labels = labels;
  if (Object.keys(annotations).length > 0) meta.annotations = annotations;
  return meta;
}

/** A message whose only field the emulator reads is `name` (ObjectReference 3, LocalObjectReference 1). */
function reference(buf: Buffer, nameField: number): { name: string } {
  let name = '';
  for (const f of fields(buf)) if (f.field === nameField) name = text(f);
  return { name };
}

/** TokenRequest: metadata 1, spec 2 (audiences 1, boundObjectRef 3, expirationSeconds 4). */
function tokenRequest(raw: Buffer): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields(raw)) {
    if (f.field === 1 && f.bytes) out.metadata = objectMeta(f.bytes);
    if (f.field !== 2 || !f.bytes) continue;
    const spec: { audiences: string[]; expirationSeconds?: number } = { audiences: [] };
    for (const s of fields(f.bytes)) {
      if (s.field === 1) spec.audiences.push(text(s));
      if (s.field === 4 && s.varint !== undefined) spec.expirationSeconds = Number(s.varint);
    }
    out.spec = spec;
  }
  return out;
}

/** Decodes a "k8s\0"-prefixed runtime.Unknown holding a v1 ServiceAccount or Namespace into its JSON form. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw badRequest('protobuf body does not start with the Kubernetes "k8s\\0" prefix');
  }
  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  for (const f of fields(body.subarray(MAGIC.length))) {
    if (f.field === 1 && f.bytes) {
      for (const t of fields(f.bytes)) {
        if (t.field === 1) apiVersion = text(t);
        if (t.field === 2) kind = text(t);
      }
    } else if (f.field === 2 && f.bytes) raw = f.bytes;
  }
  const object: Record<string, unknown> = { apiVersion, kind };
  if (kind === 'TokenRequest') return { ...object, ...tokenRequest(raw) };
  if (kind !== 'ServiceAccount' && kind !== 'Namespace') {
    throw badRequest(
      `the kube emulator reads protobuf only for ServiceAccount, Namespace and TokenRequest, not "${kind}"; send JSON`,
    );
  }
  const secrets: { name: string }[] = [];
  const imagePullSecrets: { name: string }[] = [];
  for (const f of fields(raw)) {
    if (f.field === 1 && f.bytes) object.metadata = objectMeta(f.bytes);
    if (kind !== 'ServiceAccount') continue;
    if (f.field === 2 && f.bytes) secrets.push(reference(f.bytes, 3));
    if (f.field === 3 && f.bytes) imagePullSecrets.push(reference(f.bytes, 1));
    if (f.field === 4 && f.varint !== undefined) object.automountServiceAccountToken = f.varint !== 0n;
  }
  if (secrets.length > 0) object.secrets = secrets;
  if (imagePullSecrets.length > 0) object.imagePullSecrets = imagePullSecrets;
  return object;
}
