// The portal's script: the third widget through the JS function (the first two are
// plain <tidemark-chart> elements in the HTML).
import { render } from '/widget/tidemark-chart.js';

render(document.getElementById('w-segments'), {
  url: 'shop-events.csv',
  spec: { analysis: 'rfm', purchase_event: 'purchase' },
  heading: 'RFM segments',
}).catch(() => {
  // The widget shows its own error message.
});
