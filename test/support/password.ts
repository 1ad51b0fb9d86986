/** The demo accounts' password in every test database. */
export const TEST_PASSWORD = 'correct horse battery staple';
