import { NO_SIGNAL_FIELDS } from '../../../src/screens/signals/signal-fields.js';

/** A row's signal fields with nothing known: the one the screens use. */
export const NO_SIGNAL_FIELDS_FOR_TEST = NO_SIGNAL_FIELDS;
