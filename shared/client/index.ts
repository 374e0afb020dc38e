export * from "./bingo-client";
