// SPDX-License-Identifier: Apache-2.0
package dev.tinyrt.agent.filter;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Function;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * What the rewrite needs to know about classes other than the one it rewrites, read from their
 * class files ({@code ClassLoader.getResourceAsStream}), never by loading them: whether a class
 * extends {@code java.util.concurrent.CompletableFuture}, and whether it has a no-argument
 * constructor. A transformer that loads a class can deadlock on the class loading lock or define
 * it in the wrong loader.
 */
public final class ClassHierarchy {

  /** {@code java.util.concurrent.CompletableFuture}. */
  public static final String COMPLETABLE_FUTURE = "java/util/concurrent/CompletableFuture";

  /** {@code java.util.concurrent.CompletionStage}. */
  public static final String COMPLETION_STAGE = "java/util/concurrent/CompletionStage";

  /** More superclasses than this means a malformed (cyclic) hierarchy: the answer is unknown. */
  private static final int MAX_DEPTH = 64;

  /** The class file of a class by internal name, or null when there is none to read. */
  private final Function<String, byte[]> classFiles;

  /**
   * A hierarchy read from {@code classFiles}.
   *
   * @param classFiles the class file of an internal name, or null when it cannot be found
   */
  public ClassHierarchy(Function<String, byte[]> classFiles) {
    this.classFiles = classFiles;
  }

  /**
   * The hierarchy as {@code loader} sees it, read through its resources.
   *
   * @param loader the defining loader of the class being rewritten; null for the system loader's
   * @return the hierarchy
   */
  public static ClassHierarchy of(ClassLoader loader) {
    ClassLoader from = loader != null ? loader : ClassLoader.getSystemClassLoader();
    return new ClassHierarchy(name -> read(from, name));
  }

  /** How sure an answer is: a class whose class file cannot be found cannot be judged. */
  public enum Answer {
    /** It is. */
    YES,
    /** It is not. */
    NO,
    /** A class file on the way up could not be read. */
    UNKNOWN
  }

  /**
   * Whether {@code internalName} is {@code CompletableFuture} or a subclass of it.
   *
   * @param internalName a class's internal name
   * @return the answer; {@code UNKNOWN} when a class file on the way up cannot be read
   */
  public Answer isCompletableFuture(String internalName) {
    String name = internalName;
    for (int depth = 0; depth < MAX_DEPTH; depth++) {
      if (name == null || name.equals("java/lang/Object")) {
        return Answer.NO;
      }
      if (name.equals(COMPLETABLE_FUTURE)) {
        return Answer.YES;
      }
      if (name.startsWith("java/")) {
        return Answer.NO; // no other JDK class a method returns extends CompletableFuture
      }
      byte[] bytes = classFiles.apply(name);
      if (bytes == null) {
        return Answer.UNKNOWN;
      }
      ClassReader reader;
      try {
        reader = new ClassReader(bytes);
      } catch (RuntimeException e) {
        return Answer.UNKNOWN;
      }
      if ((reader.getAccess() & Opcodes.ACC_INTERFACE) != 0) {
        return Answer.NO;
      }
      name = reader.getSuperName();
    }
    return Answer.UNKNOWN;
  }

  /**
   * The class's access flags and those of its {@code <init>()V}, as the class file says.
   *
   * @param classAccess the class's access flags
   * @param constructorAccess the no-argument constructor's access flags, or -1 if it has none
   */
  public record Construction(int classAccess, int constructorAccess) {}

  /**
   * Reads how {@code internalName} is constructed with no argument.
   *
   * @param internalName a class's internal name
   * @return its access and its no-argument constructor's, or null if its class file is not found
   */
  public Construction noArgumentConstructor(String internalName) {
    byte[] bytes = classFiles.apply(internalName);
    if (bytes == null) {
      return null;
    }
    int[] constructor = {-1};
    ClassReader reader = new ClassReader(bytes);
    reader.accept(
        new ClassVisitor(Opcodes.ASM9) {
          @Override
          public MethodVisitor visitMethod(
              int access, String name, String desc, String signature, String[] exceptions) {
            if (name.equals("<init>") && desc.equals("()V")) {
              constructor[0] = access;
            }
            return null;
          }
        },
        ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    return new Construction(reader.getAccess(), constructor[0]);
  }

  /** The class file of {@code internalName} through {@code loader}, or null. */
  private static byte[] read(ClassLoader loader, String internalName) {
    try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
