export * from "./codes";
export * from "./events";
export * from "./payloads";
export * from "./state";
export * from "./schemas";
export * from "./record";
export * from "./push-config";
export * from "./currency";
