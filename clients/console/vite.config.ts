import { defineConfig } from "vite";

// Served by the app at /console (server/console.py); no asset from any other host.
export default defineConfig({
  base: "/console/",
  build: {
    outDir: "../../server/console_assets",
    emptyOutDir: true,
    assetsDir: "assets",
    chunkSizeWarningLimit: 1200,
  },
});
