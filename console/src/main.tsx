import { render } from 'preact';
import './base.css';

function App() {
  return <h1>Queues</h1>;
}

const root = document.getElementById('app');
if (root) render(<App />, root);
