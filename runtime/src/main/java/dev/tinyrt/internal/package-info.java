// SPDX-License-Identifier: Apache-2.0
/**
 * Entry points that code rewritten by the tinyrt agent calls. Public only because rewritten classes
 * in any package must reach them; not an API to call by hand, and free to change between versions.
 */
package dev.tinyrt.internal;
