/**
 * Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`), decoded into the
 * JSON the rest of the API server works with. kubectl's typed commands (`create configmap`,
 * `create deployment`, `auth can-i`, `create token`, …) send their bodies this way, with
 * `Accept: application/vnd.kubernetes.protobuf,application/json`, so answers stay JSON.
 *
 * @example
 * if (mediaType === PROTOBUF_MEDIA_TYPE) {
 *   const { object } = decodeKubernetesProtobuf(body); // { apiVersion: 'v1', kind: 'ConfigMap', … }
 * }
 */
export {
  decodeKubernetesProtobuf,
  hasProtobufMagic,
  PROTOBUF_MAGIC,
  PROTOBUF_MEDIA_TYPE,
  type DecodedObject,
} from './decode.js';
export { decodableKinds } from './schema.js';
export { ProtobufDecodeError } from './wire.js';
