// Loaded before the theme's FontAwesome script. By default FontAwesome *replaces* every
// <i class="fa ..."> with an <svg>; ipywidgets' Play button keeps a reference to its <i>
// icon and then throws in updatePlaying, so Play never advances. 'nest' puts the svg
// inside the <i> instead, which leaves the widget's element in place.
window.FontAwesomeConfig = { autoReplaceSvg: "nest" };
