// The development lab as the CLI sees it: the engine's reading of its description (lab.json, docs/LAB.md) and the
// host specs that reach its hosts from this machine over loopback.
export {
  DEFAULT_LAB_DIR,
  LAB_TRANSPORTS,
  labDescriptionSchema,
  labDir,
  labHostInputs,
  readLabDescription,
  type LabDescription,
  type LabTransport,
} from '../engine/clusters/lab-cluster.js';
