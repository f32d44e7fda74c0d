export { closestNames, editDistance, typoBudget } from './similar';
