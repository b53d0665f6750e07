/**
 * The Java Jupyter kernel the notebooks run on, and the small display helpers they call.
 */
package io.github.medsa.notebook;
