import { z } from 'zod';
import { ERROR_CODES } from './errors';

/** The stable error codes as a schema, for answers that cross a transport. */
export const ErrorCodeSchema = z.enum(ERROR_CODES);
