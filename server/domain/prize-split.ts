// Moved to shared/game so that the record page runs the same code in the browser; kept here for
// the server's and the tests' imports.
export * from "../../shared/game/prize-split";
