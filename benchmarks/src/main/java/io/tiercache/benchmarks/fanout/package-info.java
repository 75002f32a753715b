/**
 * The fan-out delivery benchmark: tiercache instances in processes of their own, one
 * publishing invalidations at a fixed rate, the others recording how long each took to be
 * applied there. See {@code benchmarks/README.md} for how to run it.
 */
@NullMarked
package io.tiercache.benchmarks.fanout;

import org.jspecify.annotations.NullMarked;
