// What each error code of the engine (shared/ipc/errors.ts) means for the user; the engine's own message is shown
// after it as the detail, for copying into a support request.
export const errors = {
  invalid_message: 'The engine could not read a request from this window.',
  invalid_params: 'The engine refused a request from this window as invalid.',
  unknown_method: 'This window asked the engine for something it does not offer. The app may be out of date.',
  unknown_topic: 'This window asked the engine for updates it does not offer. The app may be out of date.',
  cancelled: 'The request was cancelled.',
  timeout: 'The engine took too long to answer.',
  not_found: 'The engine could not find what was asked for.',
  conflict: 'The request conflicts with something else going on. Try again in a moment.',
  unavailable: 'Something the engine needs is not available right now.',
  transport_closed: 'The connection to the engine is closed.',
  internal: 'Something went wrong inside Lifeboat. The log has the details.',
} as const;
