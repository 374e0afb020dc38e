/**
 * The uWebSockets.js build the bench's `noop-uws` baseline runs on. uWS's authors do not
 * publish it on the npm registry; this is a third party's repackaging with prebuilt
 * binaries inside the tarball (Node 16, 18 and 20 only: ABI 93, 108, 115). It is not a
 * dependency of the project: install it by hand to measure it,
 * `npm install --no-save @trufflesuite/uws-js-unofficial@20.30.0-unofficial.0`.
 */
export const UWS_PACKAGE = "@trufflesuite/uws-js-unofficial";

/** The small part of uWS's API the baseline uses. */
export interface UwsModule {
  App(): { listen(host: string, port: number, done: (token: unknown) => void): void };
}

/**
 * The native binary itself, for this platform and Node ABI. Loaded by its path rather than
 * through the package's entry point, which falls back silently to a ws-based imitation
 * when there is no binary for the running Node: that would measure ws and call it uWS.
 */
export function loadUws(): UwsModule {
  return require(`${UWS_PACKAGE}/binaries/uws_${process.platform}_${process.arch}_${process.versions.modules}.node`) as UwsModule;
}
