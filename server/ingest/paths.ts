/** The ingest endpoints (a leaf module: the HTTP guards and the ingest stats name them without loading the routes). */
export const INGEST_EVENTS_PATH = '/api/v1/events';
export const ASTERISK_QUEUE_LOG_PATH = '/api/v1/ingest/asterisk-queue-log';
