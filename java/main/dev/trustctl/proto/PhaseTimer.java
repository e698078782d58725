package dev.trustctl.proto;


/**
 * The engine's clock, as the protocol sees it: a {@link Protocol} says when a phase starts, the engine runs
 * that phase's deadline (one timeout from now) and tells the protocol when it passed.
 */
@FunctionalInterface
public interface PhaseTimer {
    /** {@code phase} starts now: its deadline replaces the one running. */
    void start(Phase phase);
}
