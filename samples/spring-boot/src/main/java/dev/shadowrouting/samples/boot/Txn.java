package dev.shadowrouting.samples.boot;

/** A card transaction, the body of {@code POST /predict}. */
public record Txn(String userId, double amount, int merchantRisk, boolean foreign) {}
