"""The pure stages: extract, update (merge, carry, word diff), build (splice, stamp, safety)."""
