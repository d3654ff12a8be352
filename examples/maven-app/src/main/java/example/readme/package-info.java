// SPDX-License-Identifier: Apache-2.0
/**
 * Every {@code java} block of the repository's README, compiled: each file holds one block's lines
 * in the README's order, with the declarations around them that make them compile.
 * {@code ReadmeSnippetsTest} fails when a block and its file drift apart.
 */
package example.readme;
