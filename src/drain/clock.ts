// The engine's clock is the project's one clock (src/time/clock.ts); the engine's files import it from here.
export { type Clock, systemClock } from "../time/clock.js";
