package dev.shadowrouting.samples.boot;

/** The model's answer: a score in [0, 1] and whether to block the transaction. */
public record Score(double value, boolean block) {}
