/** Errors raised by UI flows (no imports, so errorMessages.ts can depend on them without cycles). */
export class NoArtifactsError extends Error {
  constructor() {
    super('No artifacts');
    this.name = 'NoArtifactsError';
  }
}

export class NoCommitsError extends Error {
  constructor(readonly branchName: string) {
    super(`Branch ${branchName} has no commits`);
    this.name = 'NoCommitsError';
  }
}

export class NothingToChooseError extends Error {
  constructor(readonly step: string) {
    super(`Nothing to choose for ${step}`);
    this.name = 'NothingToChooseError';
  }
}

/** A download that is not a zip (no `PK` signature: a proxy's page, an error text); refused before anything is kept. */
export class NotAZipError extends Error {
  constructor() {
    super('The download is not a zip file');
    this.name = 'NotAZipError';
  }
}
