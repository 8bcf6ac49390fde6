import { runCleanupsAfterAll } from './cleanup.js';

runCleanupsAfterAll();
