// The error a model load or evaluation reports to the user: one line naming file:line:col or the construct.

export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }
}
