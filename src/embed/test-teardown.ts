/** Jest's `globalTeardown: 'dynalith/test-teardown'`: stops the server `dynalith/test-setup` started. */
export { teardown as default } from './test-setup.js';
