/**
 * The HTTP library as a separate bundle entry (esbuild.js → dist/http.js). Only src/api/http/lazyAxios.ts requires it,
 * on the first request, so activating the extension (restoring the session, drawing the status bar) never loads
 * axios. Nothing else may import this file: a static import would pull axios back into dist/extension.js.
 */
import axios from 'axios';

export { axios };
