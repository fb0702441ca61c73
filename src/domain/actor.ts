/** Who did something: "cli:alice", "api:ops-key", "detector", "system". Travels in every action's context. */
export type Actor = string;

export const SYSTEM_ACTOR: Actor = 'system';
