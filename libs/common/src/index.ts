// The public entry of @lab/common: small helpers every lib shares. It imports nothing of ours.
export { httpOrigin } from './http-origin';
