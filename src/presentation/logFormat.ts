// Text of log lines and notifications: it lives in the core (the session writes the log); the views use it from here.
export * from '../core/logText';
