/** Errors a caller can cause; the API maps each class to an error code. */

/** The input is well-formed but not acceptable (e.g. a file that is not an image). → VALIDATION */
export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
  constructor(
    message: string,
    /** The offending parameter, e.g. 'dataBase64'. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** → NOT_FOUND */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** The change would break a uniqueness rule (e.g. a case number already in use). → CONFLICT */
export class ConflictError extends Error {
  override name = 'ConflictError';
}

/** Stored data no longer matches what was recorded (e.g. an evidence file was altered). → INTERNAL */
export class IntegrityError extends Error {
  override name = 'IntegrityError';
}

/** The call needs a signed-in account, or the passphrase was wrong. → UNAUTHORIZED */
export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';
}
