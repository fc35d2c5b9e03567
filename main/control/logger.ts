/**
 * Where the control layer writes what must never cross the wire: stacks of unexpected errors,
 * refused requests worth noticing. Injected so tests can record it and `portico serve` can route
 * it to its own output.
 */
export interface ControlLogger {
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Writes to stderr: the terminal running the engine is the "local" log. */
export const consoleLogger: ControlLogger = {
  warn: (message) => console.warn(`[portico control] ${message}`),
  error: (message, error) => console.error(`[portico control] ${message}`, ...(error === undefined ? [] : [error])),
};

export const silentLogger: ControlLogger = { warn: () => undefined, error: () => undefined };
