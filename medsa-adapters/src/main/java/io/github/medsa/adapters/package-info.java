/**
 * Med-SA's adapters: Space and MLP bottleneck adapters in every encoder block (ViT and TinyViT), the
 * decoder MLP adapter and HyP-Adpt, as a {@link io.github.medsa.extension.ModelExtension} from
 * {@link io.github.medsa.adapters.Adapters#medsa()}.
 */
package io.github.medsa.adapters;
