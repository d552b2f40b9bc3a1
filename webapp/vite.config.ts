import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The build is static files only (webapp/dist): served by local/webapp.py locally and by
// S3 + CloudFront in production. Runtime settings come from /config.json, never from the build.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    target: "es2022",
  },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
  },
});
